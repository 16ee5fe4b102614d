"""The releases app's part of the downloads (tracker.exports): the CSV columns of its pages
(`csv`) and its records as FollowTheMoney entities (`ftm`, declared in releases.records)."""
