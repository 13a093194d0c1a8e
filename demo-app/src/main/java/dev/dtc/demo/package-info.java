/**
 * The dtc demo's command line ({@code dtc-demo place-order | stock | orders | reset}): an e-commerce order over
 * three databases in one distributed transaction. {@link dev.dtc.demo.DemoSession} opens what a command runs on
 * (embedded or named databases, schemas, dtc, the participants' data sources) and lets recovery finish what an
 * earlier, crashed command left in doubt; the commands are thin layers over {@link dev.dtc.demo.shop.Shop}.
 */
package dev.dtc.demo;
