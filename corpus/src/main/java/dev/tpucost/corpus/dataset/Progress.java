package dev.tpucost.corpus.dataset;

/** Progress of a dataset build, for a progress bar; called from worker threads. */
public interface Progress {
  /** Does nothing. */
  Progress NONE = new Progress() {
    @Override
    public void start(String phase, long total) {}

    @Override
    public void advance(long n) {}
  };

  /** A phase begins with {@code total} units of work. */
  void start(String phase, long total);

  /** {@code n} more units are done. */
  void advance(long n);
}
