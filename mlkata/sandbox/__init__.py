"""Where learner code runs: the warm worker, the disposable check process, and its limits.

Nothing here is for check authors (they import `mlkata.checking`). The command line
talks to the worker through `mlkata.client`, in the JSON of `mlkata.protocol`.

    worker.py        the warm worker: forks one check process per request, enforces the
                     time limit and the memory cap, turns hangs and crashes into verdicts
    process_tree.py  finding and ending whatever a check left behind
    harness.py       the life of one check process: load the check, run the learner's file
    bans.py          banned calls, attributed to the learner's file by the stack
    guard.py         what checks rely on, put back after every call into learner code
    imports.py       `mlkata.exercises.NAME` and `mlkata.given.NAME` inside a check
"""
