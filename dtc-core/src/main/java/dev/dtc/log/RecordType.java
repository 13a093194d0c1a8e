package dev.dtc.log;

/** Kinds of log record. The code is what is written to disk: never renumber. */
public enum RecordType {
    /** A commit decision: forced before the first commit is sent. Payload: the branches. */
    DECISION((byte) 1),
    /** Every branch of the transaction acknowledged; the transaction is forgotten. */
    END((byte) 2),
    /** A heuristic outcome kept for an operator. Payload: what happened. */
    HEURISTIC((byte) 3);

    private final byte code;

    RecordType(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    public static RecordType ofCode(byte code) {
        for (RecordType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown record type " + code);
    }
}
