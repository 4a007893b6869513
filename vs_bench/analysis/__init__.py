"""What vs_bench makes of its logs: ``runs`` (reading), ``compare`` (the one comparison
engine: primary value, interval, difference from direct) with ``stats`` and ``inference``
(intervals and their test inversion), ``verdicts``, ``report``, ``leaderboard`` and
``render`` (tables, numbers), ``plots`` with ``plot_data`` and ``tuning``, ``homogeneity``
and ``progress`` (``vs-bench run``'s lines)."""
