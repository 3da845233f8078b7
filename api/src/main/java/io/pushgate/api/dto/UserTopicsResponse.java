package io.pushgate.api.dto;

import java.util.List;

/**
 * The body of {@code PUT/DELETE /v1/apps/{app}/users/{user}/topics/{topic}}: the user's server-side
 * topics now.
 */
public record UserTopicsResponse(String user, List<String> topics) {}
