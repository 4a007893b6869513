"""Statistics of the main job's verdict: intervals, paired comparisons and their correction."""
