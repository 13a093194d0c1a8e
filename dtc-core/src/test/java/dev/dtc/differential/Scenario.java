package dev.dtc.differential;

/** Code that drives a transaction manager; the same code runs on every manager. */
@FunctionalInterface
interface Scenario {
    void run(ScenarioContext c) throws Exception;
}
