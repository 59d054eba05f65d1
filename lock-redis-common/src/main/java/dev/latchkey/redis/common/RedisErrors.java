package dev.latchkey.redis.common;

import dev.latchkey.LockException;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.LockUnavailableException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Translates the clients' exceptions into the API's: a {@link LockUnavailableException} whose
 * message says what happened and where, and whose {@link LockUnavailableException#reason() reason}
 * says what kind of trouble it is:
 * <ul>
 *   <li>{@code REFUSED}: authentication (WRONGPASS, NOAUTH, NOPERM), a database number the server
 *       does not have ({@code ERR DB index is out of range}), out of memory (OOM);</li>
 *   <li>{@code NOT_READY}: READONLY, LOADING, MASTERDOWN, CLUSTERDOWN, TRYAGAIN;</li>
 *   <li>{@code TLS}: a failed TLS handshake, and (on connecting, see {@link #opening}) one side
 *       speaking TLS to the other's plain text;</li>
 *   <li>{@code UNREACHABLE}: a connection refused, timed out or cut: the outcome is unknown;</li>
 *   <li>{@code SERVER_ERROR}: any other error reply.</li>
 * </ul>
 * The error codes are read from every message of the cause chain: Lettuce wraps a failed AUTH in
 * "Unable to connect", and a script's error carries the code of the command that failed inside it.
 * Stateless and thread-safe; only {@link #opening} does I/O (a diagnostic PING).
 */
public final class RedisErrors {
    private RedisErrors() {
    }

    /** A {@link LockException} for a client exception raised while doing {@code what} against {@code where}. */
    public static LockException translate(RuntimeException e, String what, String where) {
        if (e instanceof LockException) {
            return (LockException) e;
        }
        String codes = serverErrors(e);
        Reason reason;
        String hint;
        if (has(codes, "NOAUTH", "WRONGPASS", "NOPERM", "AUTH")) {
            reason = Reason.REFUSED;
            hint = "authentication failed: check the user and password";
        } else if (messageContains(e, "DB index is out of range") || messageContains(e, "invalid DB index")) {
            reason = Reason.REFUSED;
            hint = "the server has no such database: check the database number, the uri's path (the server's 'databases' setting)";
        } else if (has(codes, "OOM")) {
            reason = Reason.REFUSED;
            hint = "the server is out of memory (maxmemory reached)";
        } else if (has(codes, "READONLY")) {
            reason = Reason.NOT_READY;
            hint = "the server is a read-only replica (failover in progress?)";
        } else if (has(codes, "LOADING", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN")) {
            reason = Reason.NOT_READY;
            hint = "the server is not ready";
        } else if (isTls(e)) {
            reason = Reason.TLS;
            hint = "the TLS handshake failed: check option 'tls' against the server's port, and its certificate";
        } else if (isConnectionProblem(e)) {
            reason = Reason.UNREACHABLE;
            hint = "the server could not be reached or the connection was cut; the outcome of the call is unknown";
        } else {
            reason = Reason.SERVER_ERROR;
            hint = "the server returned an error";
        }
        return new LockUnavailableException("redis " + what + " failed at " + where + ": " + hint + " (" + detail(e) + ")", reason, e);
    }

    /**
     * Refines a failure to connect with what the settings say about TLS. A TLS client that gets no
     * handshake answer within the timeout most likely talks to a plain-text port (a plain server waits
     * for the end of a command line that never comes): {@link Reason#TLS}. A plain client whose
     * connection was closed is asked again with a plain-text {@code PING} of its own, since a client can
     * lose the server's real answer in a race with the close (Lettuce's "RedisHandshakeHandler not
     * registered"): a closed connection or bytes that are not RESP mean a TLS port ({@link Reason#TLS});
     * an error reply is the real trouble (NOAUTH, LOADING...) and is translated as such; anything else
     * leaves the failure as it was. A refused connection stays {@link Reason#UNREACHABLE}.
     */
    public static LockUnavailableException opening(LockUnavailableException e, RedisSettings s) {
        return opening(e, s, () -> plainPing(s));
    }

    static LockUnavailableException opening(LockUnavailableException e, RedisSettings s, Supplier<String> plainPing) {
        Throwable cause = e.getCause();
        if (e.reason() != Reason.UNREACHABLE || cause == null || isRefused(cause)) {
            return e;
        }
        String hint;
        if (s.tls() && isTimeout(cause)) {
            hint = "no TLS handshake within " + s.timeout().toMillis() + " ms (tls=true): is the server's port plain text?"
                    + " Remove tls=true, or use the server's TLS port";
        } else if (!s.tls() && !isTimeout(cause)) {
            String reply = plainPing.get();
            if (reply == null || reply.startsWith("+")) {
                return e;
            }
            if (reply.startsWith("-")) {
                return (LockUnavailableException) translate(new IllegalStateException("a plain-text PING is answered "
                        + reply.substring(1) + "; the client reported: " + cause.getMessage(), cause), "CONNECT", s.address());
            }
            hint = "the server closed the connection or answered what is not Redis's protocol (tls=false): if its port"
                    + " expects TLS, add tls=true";
        } else {
            return e;
        }
        return new LockUnavailableException("redis CONNECT failed at " + s.address() + ": " + hint + " (" + detail(cause) + ")",
                Reason.TLS, cause);
    }

    /**
     * The first line a plain-text {@code PING} to the settings' first node gets back: {@code +...} or
     * {@code -...} from a server speaking RESP, {@code ""} if the connection is closed or the answer is
     * not RESP, {@code null} if nothing could be learned (no connection, or no answer within the timeout).
     */
    static String plainPing(RedisSettings s) {
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, s.timeout().toMillis()));
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(s.host(), s.port()), ms);
                socket.setSoTimeout(ms);
                socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException notConnected) {
                return null;
            }
            StringBuilder line = new StringBuilder();
            try {
                InputStream in = socket.getInputStream();
                for (int b = in.read(); b != -1 && b != '\r' && b != '\n' && line.length() < 200; b = in.read()) {
                    line.append((char) b);
                }
            } catch (SocketTimeoutException silent) {
                return null;
            } catch (IOException cut) {
                return "";
            }
            return line.length() > 0 && (line.charAt(0) == '+' || line.charAt(0) == '-') ? line.toString() : "";
        } catch (IOException closing) {
            return null;
        }
    }

    /** Whether the server answered NOSCRIPT (the script cache was flushed). */
    public static boolean isNoScript(RuntimeException e) {
        return messageContains(e, "NOSCRIPT");
    }

    private static String detail(Throwable e) {
        String msg = String.valueOf(e.getMessage());
        String root = rootMessage(e);
        return msg.equals(root) ? msg : msg + ": " + root;
    }

    /** The Redis error codes (upper-case words such as OOM, READONLY, WRONGPASS) found in the messages of the cause chain. */
    private static String serverErrors(Throwable e) {
        StringBuilder out = new StringBuilder(" ");
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null) {
                continue;
            }
            for (String word : m.split("[^A-Za-z]+")) {
                if (word.length() >= 3 && word.equals(word.toUpperCase(Locale.ROOT))) {
                    out.append(word).append(' ');
                }
            }
        }
        return out.toString();
    }

    private static boolean has(String codes, String... any) {
        for (String code : any) {
            if (codes.contains(" " + code + " ")) {
                return true;
            }
        }
        return false;
    }

    private static boolean messageContains(Throwable e, String text) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    /** A failed handshake: the JDK's SSLException, or a client's own (Netty's NotSslRecordException, SslHandshakeTimeoutException). */
    private static boolean isTls(Throwable e) {
        for (Throwable t : chain(e)) {
            String name = t.getClass().getSimpleName();
            if (t instanceof javax.net.ssl.SSLException || name.contains("Ssl") || name.contains("SSL")) {
                return true;
            }
        }
        return false;
    }

    /** Refused, no such host, no route, or a connect timeout: nothing was talked to, TLS or not. */
    private static boolean isRefused(Throwable e) {
        for (Throwable t : chain(e)) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException || String.valueOf(t.getMessage()).contains("onnect timed out")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t : chain(e)) {
            if (t.getClass().getSimpleName().contains("Timeout") || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isConnectionProblem(Throwable e) {
        for (Throwable t : chain(e)) {
            String name = t.getClass().getSimpleName();
            if (name.contains("Connection") || name.contains("Timeout") || t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    /** The exception, its causes, and the exceptions suppressed by each (Jedis keeps the one per address it tried there). */
    private static List<Throwable> chain(Throwable e) {
        List<Throwable> all = new ArrayList<>();
        for (Throwable t = e; t != null && !all.contains(t); t = t.getCause()) {
            all.add(t);
            all.addAll(List.of(t.getSuppressed()));
        }
        return all;
    }
}
