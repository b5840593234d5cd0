"""Fix builders. A rule calls one when it makes a finding, so the fix travels with the
finding as data (to the CLI's --fix and to editors) and is never recomputed later."""
