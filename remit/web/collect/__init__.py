"""Price collection: staff who collect record what providers ask (observed prices), administrators review
a round's observations and publish them."""
