package dev.keymint.server.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Where a confirmation is asked: a person at a terminal, or nobody (a pipe, CI). */
interface Terminal {

    /** Whether a person can answer; without one nothing may wait on stdin. */
    boolean available();

    /** The line typed in answer (null at end of input); only called when {@link #available()}. */
    String ask(String question);

    /** Nobody to ask: scripts, CI, redirected input. */
    Terminal NONE = new Terminal() {
        @Override
        public boolean available() {
            return false;
        }

        @Override
        public String ask(String question) {
            throw new IllegalStateException("no terminal to ask: " + question);
        }
    };

    /** The process's own terminal, when stdin and stdout are one. */
    static Terminal system() {
        Console console = System.console();
        if (console == null || !isTerminal(console)) {
            return NONE;
        }
        return new Terminal() {
            @Override
            public boolean available() {
                return true;
            }

            @Override
            public String ask(String question) {
                return console.readLine("%s", question);
            }
        };
    }

    /**
     * From Java 22 {@code System.console()} returns a console even when the streams are
     * redirected; {@code Console.isTerminal()} (Java 22) tells. The jar targets Java 17, which
     * has no such method and returns null instead.
     */
    private static boolean isTerminal(Console console) {
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException java17) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
