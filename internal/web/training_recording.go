package web

import (
	"net/http"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/httpx"
)

// Recorded courses (往期回放): the staff attach a playback to an ended
// session; anyone watches it through /training/recordings/{id}, which
// counts the play and redirects to the playback.

func (s *Server) staffTrainingRecording(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("session"), 10, 64)
	err := s.Training.AttachRecording(r.Context(), id, f.Get("recording_url"), f.Get("recording_title"))
	if err != nil {
		p, perr := s.staffTrainingPage(r)
		if perr != nil {
			return perr
		}
		if apperr.CodeOf(err) == apperr.NotFound {
			err = apperr.InvalidField("session", "请选择本局已结束的课程")
		}
		return staffTrainingView.formError(s, w, r, asFormError(err, "session"), p)
	}
	return s.redirect(w, r, "/staff/training", "回放已保存，已在“纳税人学堂”的往期回放中公开")
}

func (s *Server) trainingRecording(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	link, err := s.Training.WatchRecording(r.Context(), id)
	if err != nil {
		return err
	}
	// The playback was entered by staff who manage training and checked to
	// be an https URL or a path on this hall; the request names only the
	// session's id.
	http.Redirect(w, r, link, http.StatusSeeOther) // #nosec G710 -- a staff-entered, validated link of the session, not from the request
	return nil
}
