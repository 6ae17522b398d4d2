"""The group transfer: a coordinator's members planned as one pooled transfer."""
