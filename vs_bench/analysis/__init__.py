"""What vs_bench makes of its logs: ``runs`` (reading), ``leaderboard`` and ``bootstrap``,
``render`` (tables, numbers), ``plots``, ``homogeneity``, and ``report`` with ``stats``
(the main job's intervals, paired comparisons and their correction)."""
