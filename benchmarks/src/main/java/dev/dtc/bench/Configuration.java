package dev.dtc.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The transaction managers this benchmark knows how to set up, by the label used on the command line. */
enum Configuration {

    DTC("dtc") {
        @Override
        TransactionSystem open(Path logDirectory) throws Exception {
            return new DtcSystem(logDirectory);
        }
    },
    NARAYANA_FILE("narayana-file") {
        @Override
        TransactionSystem open(Path logDirectory) throws Exception {
            return new NarayanaSystem(logDirectory, false);
        }
    },
    NARAYANA_JOURNAL("narayana-journal") {
        @Override
        TransactionSystem open(Path logDirectory) throws Exception {
            return new NarayanaSystem(logDirectory, true);
        }
    };

    private final String label;

    Configuration(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    abstract TransactionSystem open(Path logDirectory) throws Exception;

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
