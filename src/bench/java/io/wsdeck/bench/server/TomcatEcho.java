package io.wsdeck.bench.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * The raw Tomcat peer, in its own JVM: embedded Tomcat (NIO connector, defaults) with one JSR-356 endpoint on
 * {@code /echo} for text and binary. {@code MessageHandler.Partial} sends each piece on as it arrives, so a message
 * of any size goes through Tomcat's default 8 KiB buffers; replies go through {@code getBasicRemote()}, as Spring's
 * sessions do. What a user gets by hand on the same container: the ceiling wsdeck sits on.
 * <p>
 * usage: {@code TomcatEcho PORT} (listens on 127.0.0.1 only)
 */
public final class TomcatEcho extends Endpoint {

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		// The peer must run Tomcat's own frame classes, not wsdeck's patched copies (RawTomcat's classpath).
		System.out.println("WsFrameBase loaded from "
				+ org.apache.tomcat.websocket.WsFrameBase.class.getProtectionDomain().getCodeSource().getLocation());
		Path base = Files.createDirectories(Path.of("tomcat-base"));
		Tomcat tomcat = new Tomcat();
		tomcat.setBaseDir(base.toAbsolutePath().toString());
		tomcat.setPort(port);
		tomcat.getConnector().setProperty("address", "127.0.0.1");
		Context context = tomcat.addContext("", base.toAbsolutePath().toString());
		context.addServletContainerInitializer(new WsSci(), null);
		// runs after WsSci, which has put the container into the servlet context by then
		context.addServletContainerInitializer((classes, servletContext) -> {
			ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
			try {
				container.addEndpoint(ServerEndpointConfig.Builder.create(TomcatEcho.class, "/echo").build());
			}
			catch (DeploymentException ex) {
				throw new ServletException(ex);
			}
		}, null);
		// WsFilter performs the upgrade, and a request reaches the filters only if some servlet is mapped
		Tomcat.addServlet(context, "default", new HttpServlet() {
		});
		context.addServletMappingDecoded("/", "default");
		tomcat.start();
		System.out.println("Tomcat " + ServerInfo.getServerNumber() + " JSR-356 echo on ws://127.0.0.1:" + port
				+ "/echo, pid " + ProcessHandle.current().pid());
		tomcat.getServer().await();
	}

	@Override
	public void onOpen(Session session, EndpointConfig config) {
		RemoteEndpoint.Basic remote = session.getBasicRemote();
		session.addMessageHandler(String.class, (MessageHandler.Partial<String>) (part, last) -> {
			try {
				remote.sendText(part, last);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (part, last) -> {
			try {
				remote.sendBinary(part, last);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

}
