package io.pushgate.api;

import io.pushgate.api.idempotency.StoredResponse;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The HTTP API's idempotent answers: a final response (strict entity) is kept as status and body
 * and replayed with {@code Idempotent-Replayed: true}; refusals are problem documents.
 */
final class HttpReplies implements IdempotentSends.Replies<HttpResponse> {

  static final HttpReplies INSTANCE = new HttpReplies();

  private HttpReplies() {}

  @Override
  public StoredResponse keep(HttpResponse response) {
    int status = response.status().intValue();
    if (!IdempotentSends.isFinal(status)
        || !(response.entity() instanceof HttpEntity.Strict strict)) return null;
    return new StoredResponse(status, strict.getData().utf8String());
  }

  @Override
  public HttpResponse replay(StoredResponse stored) {
    return HttpResponse.create()
        .withStatus(stored.status())
        .withEntity(
            HttpEntities.create(
                stored.status() >= 400
                    ? ContentTypes.create(ApiResponses.PROBLEM_JSON)
                    : ContentTypes.APPLICATION_JSON,
                stored.body()))
        .addHeader(RawHeader.create("Idempotent-Replayed", "true"));
  }

  @Override
  public HttpResponse refuse(ApiProblem problem) {
    return ApiResponses.problem(problem);
  }
}
