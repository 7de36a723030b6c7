package dev.keymint.server.keys;

/**
 * A key change is committed, but not every instance with a live lease has confirmed it (one is
 * cut off from the database, or the database could not be asked). Until that instance's lease
 * ends it may still answer token requests with the key's previous state; repeating the request is
 * safe and waits again.
 */
public final class KeyChangeNotConfirmedException extends RuntimeException {

    public KeyChangeNotConfirmedException(String message) {
        super(message);
    }
}
