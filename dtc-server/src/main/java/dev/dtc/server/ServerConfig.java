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
 */
record ServerConfig(String bind, int port, Path dataDir, String nodeName, String token, int maxParticipants,
                    int maxBodyBytes, Duration retention, Duration recoveryInterval, Duration phaseTwoTimeout,
                    Faults fault, long logSegmentBytes) {

    /** With the decision log's default segment size. */
    ServerConfig(String bind, int port, Path dataDir, String nodeName, String token, int maxParticipants,
                 int maxBodyBytes, Duration retention, Duration recoveryInterval, Duration phaseTwoTimeout,
                 Faults fault) {
        this(bind, port, dataDir, nodeName, token, maxParticipants, maxBodyBytes, retention, recoveryInterval,
                phaseTwoTimeout, fault, dev.dtc.log.LogConfig.DEFAULT_SEGMENT_BYTES);
    }
}
