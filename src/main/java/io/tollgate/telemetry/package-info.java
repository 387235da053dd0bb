/**
 * What operators watch: {@code GET /metrics} (Micrometer, Prometheus text format), the gate's JSON access log, and
 * the format of Tollgate's own log. Nothing here is on the request path but {@link
 * io.tollgate.telemetry.GateMetrics#completed} and {@link io.tollgate.telemetry.AccessLog#completed}, which only count
 * and enqueue.
 */
package io.tollgate.telemetry;
