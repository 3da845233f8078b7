package io.pushgate.api.dto;

/**
 * Body of {@code POST /v1/apps/{app}/tokens}.
 *
 * @param token the client JWT (HS256, signed with the app's token secret)
 * @param expiresAt ISO-8601 instant (UTC) of the token's {@code exp} claim
 */
public record TokenResponse(String token, String expiresAt) {}
