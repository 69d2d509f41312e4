package io.kpushgateway.app.http;

import io.javalin.http.Context;

/**
 * What a route does once the router has matched it. Failures are thrown (also from a future set
 * with {@code ctx.future}) and answered by {@link ErrorMap}.
 */
@FunctionalInterface
public interface Endpoint {
  void handle(Context ctx, Routed request) throws Exception;
}
