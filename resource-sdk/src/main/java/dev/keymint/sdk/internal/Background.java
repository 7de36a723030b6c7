package dev.keymint.sdk.internal;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The SDK's background threads (status list refresh, usage reports), built one way. Not API.
 *
 * <ul>
 *   <li>Daemon, so they never keep an application alive.</li>
 *   <li>They do not inherit the context class loader of the request thread that started them, so
 *       they pin no web application.</li>
 *   <li>The thread ends a second after its queue is empty, and {@link #repeat} schedules only a weak
 *       reference: an object the application dropped stops being served instead of being kept alive
 *       by the thread.</li>
 * </ul>
 */
public final class Background {

    private Background() {
    }

    /**
     * @param threadName the thread's name, as seen in thread dumps
     * @return a single-thread scheduler with the properties above
     */
    public static ScheduledThreadPoolExecutor executor(String threadName) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            thread.setContextClassLoader(Background.class.getClassLoader());
            return thread;
        });
        executor.setKeepAliveTime(1, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /**
     * Runs {@code task} on {@code target} after {@code delay}, then again after the delay it returns,
     * for as long as the target is reachable, the task returns a delay and the executor accepts work.
     *
     * @param executor the executor
     * @param target   what the task works on, held weakly
     * @param delay    the first delay
     * @param onError  the delay after the task threw
     * @param task     one run; returns the next delay, or null to stop
     * @param <T>      the target's type
     */
    public static <T> void repeat(ScheduledThreadPoolExecutor executor, T target, Duration delay, Duration onError,
                                  Function<T, Duration> task) {
        schedule(executor, new WeakReference<>(target), delay, onError, task);
    }

    private static <T> void schedule(ScheduledThreadPoolExecutor executor, WeakReference<T> reference, Duration delay,
                                     Duration onError, Function<T, Duration> task) {
        try {
            executor.schedule(() -> {
                T target = reference.get();
                if (target == null) {
                    return;
                }
                Duration next = onError;
                try {
                    next = task.apply(target);
                } finally {
                    target = null; // not reachable from this frame while waiting for the next run
                    if (next != null) {
                        schedule(executor, reference, next, onError, task);
                    }
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the executor was shut down: its owner is closed
        }
    }
}
