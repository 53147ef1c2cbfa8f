"""`python -m trainplan`: the trainplan command, as the `trainplan` script runs it."""

from trainplan.trainplan_entry import main

main()
