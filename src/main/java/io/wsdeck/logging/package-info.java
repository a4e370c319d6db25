/** Console logging that stays cheap when thousands of sessions open and close a second. */
package io.wsdeck.logging;
