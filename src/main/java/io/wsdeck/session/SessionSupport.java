package io.wsdeck.session;

import java.util.concurrent.Executor;

/**
 * What every session is built with: its settings and the shared parts it reports to and sends through.
 * @param registry every open session
 * @param settings limits taken from configuration
 * @param observer metrics
 * @param pushSender threads that write pushes and pings, which must not block their caller
 * @param echoSender threads that write what may wait as long as one client takes to read: the queued parts of large
 *        echoes, closes that wait for a write in progress, the lab's answers
 * @param echoQueue the bytes of large echoes all sessions may hold queued
 */
public record SessionSupport(SessionRegistry registry, SessionSettings settings, SessionObserver observer,
		Executor pushSender, Executor echoSender, EchoQueueBudget echoQueue) {
}
