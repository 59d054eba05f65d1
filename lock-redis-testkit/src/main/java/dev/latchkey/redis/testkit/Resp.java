package dev.latchkey.redis.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal RESP2 client for test control commands: one short-lived connection per command.
 * Replies map to String (simple and bulk strings), Long, List, or null; error replies throw
 * {@link RedisReplyException}. Stateless, so thread-safe.
 */
final class Resp {

    private Resp() {
    }

    /**
     * Sends one command and reads its reply. {@code timeout} bounds the connect and each read.
     *
     * @throws UncheckedIOException on a connection failure or timeout (cause
     *     {@link java.net.SocketTimeoutException})
     */
    static Object call(String host, int port, Duration timeout, String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("args: no command given");
        }
        int millis = (int) Math.max(1, timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            socket.getOutputStream().write(encode(args));
            return read(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Redis " + host + ":" + port + " " + args[0] + ": " + e.getMessage(), e);
        }
    }

    /** Encodes a command as a RESP array of bulk strings. */
    static byte[] encode(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + args.length + "\r\n").getBytes(UTF_8));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(UTF_8);
            out.writeBytes(("$" + bytes.length + "\r\n").getBytes(UTF_8));
            out.writeBytes(bytes);
            out.writeBytes("\r\n".getBytes(UTF_8));
        }
        return out.toByteArray();
    }

    /** Reads one reply. */
    static Object read(InputStream in) throws IOException {
        int type = in.read();
        if (type == -1) {
            throw new EOFException("connection closed before a reply");
        }
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new RedisReplyException(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length);
                if (bytes.length < length || !readLine(in).isEmpty()) {
                    throw new EOFException("truncated bulk string");
                }
                return new String(bytes, UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("not a RESP2 reply, type byte " + type);
        }
    }

    /** Renders a parsed reply as text, roughly as redis-cli does. */
    static String render(Object reply) {
        if (reply == null) {
            return "(nil)";
        }
        if (!(reply instanceof List<?> items)) {
            return reply.toString();
        }
        if (items.isEmpty()) {
            return "(empty array)";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                text.append('\n');
            }
            text.append(i + 1).append(") ").append(render(items.get(i)).replace("\n", "\n   "));
        }
        return text.toString();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); ; b = in.read()) {
            if (b == -1) {
                throw new EOFException("connection closed in the middle of a reply");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("malformed RESP line: CR without LF");
                }
                return line.toString(UTF_8);
            }
            line.write(b);
        }
    }
}
