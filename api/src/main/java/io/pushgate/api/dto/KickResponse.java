package io.pushgate.api.dto;

/**
 * Body of {@code DELETE /v1/apps/{app}/users/{user}/connections}: how many connections were closed.
 */
public record KickResponse(int closed) {}
