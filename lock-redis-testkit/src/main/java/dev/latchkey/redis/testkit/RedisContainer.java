package dev.latchkey.redis.testkit;

import com.github.dockerjava.api.DockerClient;
import java.util.function.BooleanSupplier;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A Redis server in a container of any Redis-compatible image ({@code redis:7.4},
 * {@code valkey/valkey:8}), run by Testcontainers with the image's own command and configuration.
 * {@link #pause()} is {@code docker pause} (the cgroup freezer: like SIGSTOP, connections are
 * accepted and nothing is answered); {@link #kill()} is {@code docker kill}. A container cannot be
 * restarted on the same port here: tests that restart use {@link RedisServer}. Testcontainers'
 * reaper removes the container when the JVM exits.
 *
 * <p>Thread-safe: the lifecycle methods are synchronized.
 */
final class RedisContainer implements RedisInstance {

    private static final int REDIS_PORT = 6379;

    private final GenericContainer<?> container;
    private final String image;
    private final String host;
    private final int port;
    private boolean paused; // guarded by this

    private RedisContainer(GenericContainer<?> container, String image) {
        this.container = container;
        this.image = image;
        this.host = container.getHost();
        this.port = container.getMappedPort(REDIS_PORT);
    }

    /** Starts a container of {@code image}, failing clearly when no container engine is reachable. */
    static RedisContainer start(String image) {
        return start(image, () -> DockerClientFactory.instance().isDockerAvailable());
    }

    static RedisContainer start(String image, BooleanSupplier engineReachable) {
        if (!engineReachable.getAsBoolean()) {
            throw new IllegalStateException(RedisServers.IMAGE_SETTING + "=" + image
                    + " asks for Redis in a container, but Testcontainers reaches no container engine: start Docker"
                    + " (or a compatible engine) or point DOCKER_HOST at one; or unset " + RedisServers.IMAGE_SETTING
                    + " to run redis-server processes instead.");
        }
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                .withExposedPorts(REDIS_PORT)
                .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1));
        try {
            container.start();
        } catch (RuntimeException e) {
            container.stop();
            throw new IllegalStateException("Cannot start a container of " + image + " (" + RedisServers.IMAGE_SETTING
                    + "): " + e.getMessage(), e);
        }
        return new RedisContainer(container, image);
    }

    @Override
    public String host() {
        return host;
    }

    /** The host port mapped to the container's 6379. */
    @Override
    public int port() {
        return port;
    }

    @Override
    public synchronized boolean isAlive() {
        return container.getContainerId() != null && container.isRunning();
    }

    /** {@code docker kill}; does nothing if the container is not running. */
    @Override
    public synchronized void kill() {
        if (isAlive()) {
            resume(); // the engine refuses to kill a paused container
            docker().killContainerCmd(container.getContainerId()).exec();
        }
    }

    /** {@code docker pause}. */
    @Override
    public synchronized void pause() {
        if (!isAlive()) {
            throw new IllegalStateException("Cannot pause the container of " + image + ": it is not running");
        }
        docker().pauseContainerCmd(container.getContainerId()).exec();
        paused = true;
    }

    /** {@code docker unpause}, if paused. */
    @Override
    public synchronized void resume() {
        if (paused) {
            docker().unpauseContainerCmd(container.getContainerId()).exec();
            paused = false;
        }
    }

    /** Stops and removes the container. Idempotent. */
    @Override
    public synchronized void stop() {
        if (container.getContainerId() != null) {
            resume();
            container.stop();
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "RedisContainer[" + image + " on " + uri() + "]";
    }

    private DockerClient docker() {
        return container.getDockerClient();
    }
}
