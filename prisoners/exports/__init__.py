"""The prisoners app's part of the downloads (tracker.exports): the CSV columns of the people
pages (`csv`) and people as FollowTheMoney Persons (`ftm`, declared in prisoners.records)."""
