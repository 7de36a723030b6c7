package dev.keymint.server.keys;

/**
 * What an edit takes from a key's recent callers, in plain words.
 *
 * @param code    what kind of loss: {@code scope}, {@code address}, {@code rate_limit}, {@code quota},
 *                {@code api_requests_per_minute}, {@code budget} or {@code expiry}
 * @param message the loss as a sentence with the numbers, for people
 */
public record KeyWarning(String code, String message) {
}
