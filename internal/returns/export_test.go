package returns

// LargestGroup is the most rows one group acceptance has held so far.
func LargestGroup() int64 { return largestGroup.Load() }
