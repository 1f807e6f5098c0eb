package auth

// Verifications is how many password hashes s has checked.
func (s *Service) Verifications() int64 { return s.verifications.Load() }
