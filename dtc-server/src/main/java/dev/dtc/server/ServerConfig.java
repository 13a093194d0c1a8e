package dev.dtc.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a coordinator service is started with, checked by {@link ServerMain}.
 *
 * @param bind             the address to listen on (127.0.0.1 unless told otherwise)
 * @param port             0 for a free port
 * @param phaseTwoTimeout  how long one commit or rollback call may take before it is retried
 * @param fault            a deliberate crash point, for tests and demonstrations only
 * @param logSegmentBytes  the decision log's segment size (the default, unless a test wants many rolls)
 * @param store            the shared store's URL ({@code postgresql://...}), or null for the file log in the data dir
 * @param advertisedUrl    where other coordinators reach this one (forwarded requests); null for {@link DtcServer#url()}
 * @param leaseTtl         with a shared store: how long this node's lease lasts unrenewed (renewed every fifth of it)
 * @param openTelemetry    trace transactions with OpenTelemetry (dtc-opentelemetry on the class path); false: pass
 *                         the clients' W3C trace context through to participants unchanged
 */
record ServerConfig(String bind, int port, Path dataDir, String nodeName, String token, int maxParticipants,
                    int maxBodyBytes, Duration retention, Duration recoveryInterval, Duration phaseTwoTimeout,
                    Faults fault, long logSegmentBytes, String store, String advertisedUrl, Duration leaseTtl,
                    boolean openTelemetry) {

    /** Without OpenTelemetry. */
    ServerConfig(String bind, int port, Path dataDir, String nodeName, String token, int maxParticipants,
                 int maxBodyBytes, Duration retention, Duration recoveryInterval, Duration phaseTwoTimeout,
                 Faults fault, long logSegmentBytes, String store, String advertisedUrl, Duration leaseTtl) {
        this(bind, port, dataDir, nodeName, token, maxParticipants, maxBodyBytes, retention, recoveryInterval,
                phaseTwoTimeout, fault, logSegmentBytes, store, advertisedUrl, leaseTtl, false);
    }

    /** The same with OpenTelemetry on or off. */
    ServerConfig withOpenTelemetry(boolean on) {
        return new ServerConfig(bind, port, dataDir, nodeName, token, maxParticipants, maxBodyBytes, retention,
                recoveryInterval, phaseTwoTimeout, fault, logSegmentBytes, store, advertisedUrl, leaseTtl, on);
    }

    /** With the file log. */
    ServerConfig(String bind, int port, Path dataDir, String nodeName, String token, int maxParticipants,
                 int maxBodyBytes, Duration retention, Duration recoveryInterval, Duration phaseTwoTimeout,
                 Faults fault, long logSegmentBytes) {
        this(bind, port, dataDir, nodeName, token, maxParticipants, maxBodyBytes, retention, recoveryInterval,
                phaseTwoTimeout, fault, logSegmentBytes, null, null, Duration.ofSeconds(6));
    }

    /** With the decision log's default segment size. */
    ServerConfig(String bind, int port, Path dataDir, String nodeName, String token, int maxParticipants,
                 int maxBodyBytes, Duration retention, Duration recoveryInterval, Duration phaseTwoTimeout,
                 Faults fault) {
        this(bind, port, dataDir, nodeName, token, maxParticipants, maxBodyBytes, retention, recoveryInterval,
                phaseTwoTimeout, fault, dev.dtc.log.LogConfig.DEFAULT_SEGMENT_BYTES);
    }
}
