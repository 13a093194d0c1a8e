package dev.dtc.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The configurations this benchmark knows how to set up, by the label used on the command line. */
enum Configuration {

    DTC("dtc", Family.NO_OP) {
        @Override
        Workload open(Path logDirectory, Optional<DatabaseSettings> databases) {
            return new NoOpWorkload(new DtcSystem(logDirectory));
        }
    },
    NARAYANA_FILE("narayana-file", Family.NO_OP) {
        @Override
        Workload open(Path logDirectory, Optional<DatabaseSettings> databases) throws Exception {
            return new NoOpWorkload(new NarayanaSystem(logDirectory, NarayanaSystem.Store.FILE));
        }
    },
    NARAYANA_JOURNAL("narayana-journal", Family.NO_OP) {
        @Override
        Workload open(Path logDirectory, Optional<DatabaseSettings> databases) throws Exception {
            return new NoOpWorkload(new NarayanaSystem(logDirectory, NarayanaSystem.Store.JOURNAL));
        }
    },
    NARAYANA_VOLATILE("narayana-volatile", Family.NO_OP) {
        @Override
        Workload open(Path logDirectory, Optional<DatabaseSettings> databases) throws Exception {
            return new NoOpWorkload(new NarayanaSystem(logDirectory, NarayanaSystem.Store.VOLATILE));
        }
    },
    FLOOR_DISK("floor-disk", Family.NO_OP) {
        @Override
        Workload open(Path logDirectory, Optional<DatabaseSettings> databases) {
            return new DiskFloorWorkload(logDirectory);
        }
    },
    DB_XA_BY_HAND("db-xa-by-hand", Family.DATABASE) {
        @Override
        Workload open(Path logDirectory, Optional<DatabaseSettings> databases) throws Exception {
            return new DatabaseWorkload(required(databases), null);
        }
    },
    DB_DTC("db-dtc", Family.DATABASE) {
        @Override
        Workload open(Path logDirectory, Optional<DatabaseSettings> databases) throws Exception {
            DatabaseSettings settings = required(databases);
            return new DatabaseWorkload(settings, new DtcSystem(logDirectory));
        }
    },
    DB_NARAYANA("db-narayana", Family.DATABASE) {
        @Override
        Workload open(Path logDirectory, Optional<DatabaseSettings> databases) throws Exception {
            DatabaseSettings settings = required(databases);
            return new DatabaseWorkload(settings, new NarayanaSystem(logDirectory, NarayanaSystem.Store.FILE));
        }
    };

    /**
     * Which configurations are compared with each other: the no-op ones measure the coordinator alone, the
     * database ones a real insert on each of two databases. Each family has one dtc configuration, its subject.
     */
    enum Family {
        NO_OP("dtc"), DATABASE("db-dtc");

        private final String subject;

        Family(String subject) {
            this.subject = subject;
        }

        String subject() {
            return subject;
        }
    }

    private final String label;
    private final Family family;

    Configuration(String label, Family family) {
        this.label = label;
        this.family = family;
    }

    String label() {
        return label;
    }

    Family family() {
        return family;
    }

    /**
     * Sets the configuration up on a fresh directory (its log, or floor-disk's files) in this JVM.
     *
     * @param databases where the {@code db-} configurations insert; the others ignore it
     */
    abstract Workload open(Path logDirectory, Optional<DatabaseSettings> databases) throws Exception;

    private static DatabaseSettings required(Optional<DatabaseSettings> databases) {
        return databases.orElseThrow(() -> new IllegalArgumentException(DatabaseSettings.missingMessage()));
    }

    static Configuration byLabel(String label) {
        for (Configuration c : values()) {
            if (c.label.equals(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown configuration '" + label + "'; choose from " + labels());
    }

    static String labels() {
        return Arrays.stream(values()).map(Configuration::label).collect(Collectors.joining(", "));
    }
}
