// OpenTelemetry set-up of MES, loaded with `node --require ./telemetry.js mes.js` so the
// instrumentations patch http and amqplib before they are first required. Real SDK, OTLP
// protobuf over HTTP to OTEL_EXPORTER_OTLP_ENDPOINT. The amqplib consumer starts a new trace
// with a span link to the producer (useLinksForConsume), the other way of carrying context.
'use strict';
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { AmqplibInstrumentation } = require('@opentelemetry/instrumentation-amqplib');
const { resourceFromAttributes } = require('@opentelemetry/resources');

const sdk = new NodeSDK({
  resource: resourceFromAttributes({ 'service.name': 'mes' }),
  // No host and process detectors: the user name, host id and paths of whoever records
  // must not end up in the committed corpus.
  autoDetectResources: false,
  traceExporter: new OTLPTraceExporter(),
  instrumentations: [
    new HttpInstrumentation({
      // The driver's polling of /internal/ is not part of the system under test.
      ignoreIncomingRequestHook: (request) => (request.url || '').startsWith('/internal/'),
    }),
    new AmqplibInstrumentation({ useLinksForConsume: true }),
  ],
});
sdk.start();

process.on('SIGTERM', () => {
  sdk.shutdown().finally(() => process.exit(0));
});
