"""Family proxy (代办): a resident lets a family member, or their grid worker, act for them."""
