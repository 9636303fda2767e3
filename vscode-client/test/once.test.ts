import * as assert from "node:assert/strict";
import { CrashCounter, OnceGate } from "../src/pure/once";

describe("OnceGate", () => {
  it("shows a message once until reset", () => {
    const gate = new OnceGate();
    assert.equal(gate.shouldShow("server crashed"), true);
    assert.equal(gate.shouldShow("server crashed"), false);
    assert.equal(gate.shouldShow("another failure"), true);
    gate.reset();
    assert.equal(gate.shouldShow("server crashed"), true);
  });
  it("treats repeats that differ only by pid or duration as the same", () => {
    const gate = new OnceGate();
    assert.equal(gate.shouldShow("process 123 exited after 35 ms"), true);
    assert.equal(gate.shouldShow("process 456 exited after 12 ms"), false);
  });
});

describe("CrashCounter", () => {
  it("allows restarts until maxCrashes within the window", () => {
    const counter = new CrashCounter(3, 1000);
    assert.equal(counter.record(0), true);
    assert.equal(counter.record(10), true);
    assert.equal(counter.record(20), false);
    assert.equal(counter.count, 3);
  });
  it("forgets crashes older than the window", () => {
    const counter = new CrashCounter(3, 1000);
    counter.record(0);
    counter.record(10);
    assert.equal(counter.record(5000), true);
    assert.equal(counter.count, 1);
  });
});
