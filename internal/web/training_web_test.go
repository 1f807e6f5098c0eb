package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/training"
)

func init() {
	sessions := []*training.Session{
		{ID: 1, OrgName: "国家税务总局厦门市税务局", Topic: "invoice", Title: "数电发票开具实务", StartsAt: when.Add(72 * time.Hour), Minutes: 90, Link: "https://live.example.gov.cn/1", Capacity: 200, Registered: 12, Mine: true},
		{ID: 2, OrgName: "国家税务总局厦门市税务局", Topic: "new", Title: "新办纳税人辅导", StartsAt: when.Add(96 * time.Hour), Minutes: 60, Place: "三楼培训室", Capacity: 30, Registered: 30, Attended: 3},
	}
	recs := []*training.Session{{ID: 3, OrgName: "国家税务总局厦门市税务局", Topic: "vat", Title: "增值税申报要点", StartsAt: when.Add(-96 * time.Hour), Minutes: 60,
		Place: "三楼培训室", Capacity: 30, RecordingURL: "https://video.example.gov.cn/vat", RecordingTitle: "增值税申报要点（回放）", RecordingViews: 12}}
	cw := []training.Courseware{{ID: 1, Topic: "invoice", Title: "操作指引", UploadID: 9, Filename: "指引.pdf", Size: 2048}}
	examples["training.html"] = example{func() page {
		return &trainingPage{Sessions: sessions, Courseware: cw, Recordings: recs, Topics: topicOptions()}
	}, everyone}
	examples["staff_training.html"] = example{func() page {
		return &trainingPage{Sessions: append(sessions, recs...), Courseware: cw, Topics: topicOptions(), Ended: []Option{{"3", "增值税申报要点"}}, basePage: basePage{Errors: map[string]string{"start": "开始时间应晚于现在"}}}
	}, staffSide}
}

// TestTrainingJourney: a taxpayer user registers for the demo's live
// session once; the staff page counts the registration; a courseware PDF
// is uploaded and anyone downloads it.
func TestTrainingJourney(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		pub := newBrowser(t, ts)
		s, body := pub.get("/training")
		pub.expect(s, body, 200, "数电发票开具与红冲实务", "数电发票操作指引（2026版）", "登录</a>后报名")
		file := regexp.MustCompile(`href="(/training/files/\d+)"`).FindStringSubmatch(body)
		if file == nil {
			t.Fatal("no courseware link")
		}
		if s, body = pub.get(file[1]); s != 200 || !strings.HasPrefix(body, "%PDF") {
			t.Errorf("courseware: %d", s)
		}
		b, _ := enterpriseAdmin(t, ts, d)
		var id string
		_ = d.QueryRowContext(t.Context(), `SELECT CAST(id AS TEXT) FROM training_sessions WHERE title = '数电发票开具与红冲实务'`).Scan(&id)
		s, body = b.post("/hall/training/"+id+"/register", nil)
		b.expect(s, body, 200, "报名成功", "已报名", "进入直播")
		s, body = b.post("/hall/training/"+id+"/register", nil)
		b.expect(s, body, 422, "您已报名该课程")
		s, body = b.post("/hall/training/"+id+"/join", nil)
		b.expect(s, body, 422, "开课前 15 分钟开放")
		admin := staffBrowser(t, ts, "35020001")
		s, body = admin.get("/staff/training")
		admin.expect(s, body, 200, `<td data-label="报名 / 名额" class="num">1 / 200</td>`)
		s, body = admin.post("/staff/training", url.Values{"topic": {"vat"}, "title": {"留抵退税"}, "start": {"2020-01-01T09:00"}, "minutes": {"60"}, "capacity": {"10"}, "place": {"培训室"}})
		admin.expect(s, body, 422, "开始时间应晚于现在")
		s, body = admin.post("/staff/training/remind", nil)
		admin.expect(s, body, 200, "条课程提醒")

		// 往期回放: the demo's recordings are public, by topic; watching
		// counts a play and opens the playback. A recording for a session
		// that has not started is refused on the field; one for an ended
		// session replaces the playback.
		s, body = pub.get("/training")
		pub.expect(s, body, 200, "往期回放", "增值税纳税申报要点解读", "小微企业税费优惠政策辅导", `target="_blank" rel="noopener">观看回放`)
		s, body = pub.get("/training?topic=vat")
		pub.expect(s, body, 200, "增值税纳税申报要点解读")
		if strings.Contains(body, "小微企业税费优惠政策辅导") {
			t.Error("the vat filter lists a policy recording")
		}
		var vat string
		_ = d.QueryRowContext(t.Context(), `SELECT CAST(id AS TEXT) FROM training_sessions WHERE title = '增值税纳税申报要点解读'`).Scan(&vat)
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := noFollow.Get(ts.URL + "/training/recordings/" + vat)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "https://video.example.gov.cn/xiamen/vat-2026" {
			t.Errorf("watch: %d to %q", res.StatusCode, loc)
		}
		s, body = admin.post("/staff/training/recording", url.Values{"session": {id}, "recording_url": {"https://video.example.gov.cn/x"}})
		admin.expect(s, body, 422, "课程尚未开始")
		s, body = admin.post("/staff/training/recording", url.Values{"session": {vat}, "recording_url": {"http://video.example.gov.cn/x"}})
		admin.expect(s, body, 422, "回放地址应为 https:// 开头的网址")
		s, body = admin.post("/staff/training/recording", url.Values{"session": {vat}, "recording_url": {"/media/vat.mp4"}, "recording_title": {"增值税申报（新版回放）"}})
		admin.expect(s, body, 200, "回放已保存", "增值税申报（新版回放）", "1 次观看")
	})
}
