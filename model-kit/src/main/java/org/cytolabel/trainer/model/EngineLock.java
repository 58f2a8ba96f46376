package org.cytolabel.trainer.model;

import ai.djl.engine.Engine;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * The PyTorch engine's random generator is global: seeded training runs must not interleave or
 * their initialisation and dropout draws mix. Every family trains inside
 * {@code try (EngineLock lock = EngineLock.seeded(seed, listener)) { ... }}; the lock is
 * re-entrant, so a family may train sub-models (ensemble members, a pretraining phase) under its
 * own lock and re-seed with {@link #reseed}.
 */
public final class EngineLock implements AutoCloseable {
    /** The engine every family trains with. */
    public static final String ENGINE = "PyTorch";
    private static final ReentrantLock LOCK = new ReentrantLock();

    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private EngineLock() {
    }

    /** Waits for the engine (giving up if the listener cancels), then seeds it. */
    public static EngineLock seeded(long seed, TrainingListener listener) {
        try {
            while (!LOCK.tryLock(200, TimeUnit.MILLISECONDS)) {
                if (listener.isCancelled()) {
                    throw new CytoLabelException(ErrorKind.CANCELLED, "training was cancelled while waiting"
                            + " for another training run to finish");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CytoLabelException(ErrorKind.CANCELLED, "interrupted while waiting to train", e);
        }
        EngineLock lock = new EngineLock();
        lock.reseed(seed);
        return lock;
    }

    /** Seeds the engine's generator again (e.g. per ensemble member). */
    public void reseed(long seed) {
        Engine.getEngine(ENGINE).setRandomSeed((int) seed);
    }

    @Override
    public void close() {
        LOCK.unlock();
    }
}
