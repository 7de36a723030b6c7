package dev.keymint.server.keys;

/** Which keys a listing shows; {@code expired} is derived from the expiry, as at the token endpoint. */
public enum ListFilter { ACTIVE, DISABLED, EXPIRED, REVOKED, ALL }
