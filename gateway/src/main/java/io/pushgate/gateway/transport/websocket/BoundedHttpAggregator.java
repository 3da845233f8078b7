package io.pushgate.gateway.transport.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;

/**
 * Aggregates a plain HTTP request into one {@code FullHttpRequest} of at most {@code
 * max-http-body-bytes}; a larger body (declared or actual) is answered with 413 problem+json {@code
 * payload_too_large} and the connection is closed after a lingering close ({@link LingeringClose}):
 * the rest of the body is read and discarded, so the client gets the 413 rather than a reset,
 * whether it declared the size ({@code Content-Length}) or not (chunked). An {@code Expect} other
 * than {@code 100-continue} is answered 417 problem+json {@code expectation_failed}.
 */
final class BoundedHttpAggregator extends HttpObjectAggregator {

  private final Duration linger;

  BoundedHttpAggregator(int maxBodyBytes, Duration linger) {
    super(maxBodyBytes, true);
    this.linger = linger;
  }

  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object response = super.newContinueResponse(start, maxContentLength, pipeline);
    if (response instanceof HttpResponse r
        && r.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
      ReferenceCountUtil.release(response);
      return closing(ProblemResponses.payloadTooLarge(maxContentLength));
    }
    if (response instanceof HttpResponse r
        && r.status().code() == HttpResponseStatus.EXPECTATION_FAILED.code()) {
      ReferenceCountUtil.release(response);
      return closing(
          ProblemResponses.expectationFailed("only \"Expect: 100-continue\" is supported"));
    }
    return response;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
      throws Exception {
    if (oversized instanceof HttpRequest) {
      LingeringClose.respondAndClose(
          ctx.channel(), ProblemResponses.payloadTooLarge(maxContentLength()), linger);
    } else {
      super.handleOversizedMessage(ctx, oversized);
    }
  }

  private static FullHttpResponse closing(FullHttpResponse response) {
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }
}
