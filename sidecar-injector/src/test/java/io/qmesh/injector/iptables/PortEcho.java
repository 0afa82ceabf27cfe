package io.qmesh.injector.iptables;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Run inside a test network namespace ({@code ip netns exec NS java ... PortEcho 15001 7001}): listens
 * on every given port and answers each connection with the port it arrived on, so a test sees where
 * iptables sent it. Prints "ready" once all ports listen; exits when stdin closes.
 */
public final class PortEcho {

    public static void main(String[] args) throws IOException {
        for (String arg : args) {
            int port = Integer.parseInt(arg);
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress("0.0.0.0", port));
            Thread t = new Thread(() -> serve(server, port), "echo-" + port);
            t.setDaemon(true);
            t.start();
        }
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the test closes stdin
        }
    }

    private static void serve(ServerSocket server, int port) {
        while (true) {
            try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                out.write((port + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                return;
            }
        }
    }
}
