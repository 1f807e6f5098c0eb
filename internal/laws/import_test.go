package laws_test

import (
	"context"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/laws"
	"taxhall/internal/search"
)

// libraryDir is the real library the hall ships with.
const libraryDir = "../../../shared/data/laws"

func library(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("TAXHALL_LAWS")
	if dir == "" {
		dir = libraryDir
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("library folder %s: %v", dir, err)
		}
		t.Skipf("library folder %s: %v", dir, err)
	}
	return dir
}

func newService(d *db.DB) *laws.Service {
	// The library's validity is decided as of a fixed day, after 增值税法
	// came into force.
	now := func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) }
	return &laws.Service{DB: d, Index: search.New(d), Now: now}
}

// relevance are real queries and the document that must come first, with
// the article the hit must point to ("" when any).
var relevance = []struct {
	q, title, version, anchor string
}{
	{"增值税 起征点", "中华人民共和国增值税法", "2024-12-25", ""},
	{"滞纳金", "中华人民共和国税收征收管理法", "2015-04-24", ""},
	{"发票管理办法 第二十二条", "中华人民共和国发票管理办法", "2023-07-20", "a22"},
	{"个人所得税 专项附加扣除", "中华人民共和国个人所得税法", "2018-08-31", ""},
	// A known article found by a phrase of it (only 征管法 article 32 has it).
	{"“未按照规定期限缴纳税款的，扣缴义务人未按照规定期限解缴税款的”", "中华人民共和国税收征收管理法", "2015-04-24", "a32"},
}

// TestLibrary imports the whole library folder on each database and checks
// what came in, the versions, search relevance and speed.
func TestLibrary(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 3,475 documents")
	}
	dir := library(t)
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(d)
		start := time.Now()
		st, err := s.Import(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("import: %d files in %v", st.Files, time.Since(start).Round(time.Millisecond))

		t.Run("counts by kind", func(t *testing.T) {
			want := map[string]int{"宪法": 6, "法律": 353, "行政法规": 683, "部门规章": 29, "司法解释": 439, "地方性法规": 1911, "案例": 52, "其他": 2}
			for k, n := range want {
				if st.ByKind[k] != n {
					t.Errorf("%s: %d documents in the folder, want %d", k, st.ByKind[k], n)
				}
			}
			f, err := s.FacetCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if f.Total != 3475 || st.Added != 3475 {
				t.Errorf("library holds %d, added %d; want 3475", f.Total, st.Added)
			}
			for _, c := range f.Kinds {
				if want[c.Value] != c.N {
					t.Errorf("stored %s: %d, want %d", c.Value, c.N, want[c.Value])
				}
			}
		})

		t.Run("versions linked", func(t *testing.T) {
			vs, err := s.Versions(ctx, "中华人民共和国发票管理办法")
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != 2 || vs[0].Version != "2023-07-20" || vs[0].Status != laws.StatusCurrent || vs[1].Status != laws.StatusAmended {
				t.Fatalf("versions of 发票管理办法 = %+v", vs)
			}
			// 增值税法 (in force from 2026-01-01) abolishes the 暂行条例.
			vat, err := s.Versions(ctx, "中华人民共和国增值税暂行条例")
			if err != nil {
				t.Fatal(err)
			}
			if len(vat) != 1 || vat[0].Status != laws.StatusRepealed {
				t.Errorf("增值税暂行条例 = %+v, want 已废止", vat)
			}
			l, err := s.Get(ctx, vs[1].ID)
			if err != nil {
				t.Fatal(err)
			}
			if l.Kind != laws.KindRegulation || l.Level != laws.LevelNational || !slices.Contains(l.TaxTags, "发票") {
				t.Errorf("2019 发票管理办法: kind %s level %s tags %v", l.Kind, l.Level, l.TaxTags)
			}
			var a22 string
			for _, b := range l.Blocks() {
				if b.Anchor == "a22" {
					a22 = b.Paras[0]
				}
			}
			if !strings.HasPrefix(a22, "开具发票应当按照规定的时限、顺序、栏目") {
				t.Errorf("2019 article 22 = %q", a22)
			}
		})

		t.Run("local regulation", func(t *testing.T) {
			list, _, err := s.Browse(ctx, laws.Filter{Province: "河南省", Level: laws.LevelCity}, laws.Cursor{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != laws.PageSize {
				t.Fatalf("河南 city regulations: %d", len(list))
			}
			for _, l := range list {
				if l.Kind != laws.KindLocal || strings.HasPrefix(l.Title, "河南省") {
					t.Errorf("%s: %s", l.Title, l.Kind)
				}
			}
		})

		t.Run("relevance", func(t *testing.T) {
			for _, c := range relevance {
				r, err := s.Search(ctx, c.q, laws.Filter{}, 0)
				if err != nil {
					t.Fatal(err)
				}
				if len(r.Hits) == 0 {
					t.Errorf("%s: nothing found", c.q)
					continue
				}
				h := r.Hits[0]
				if h.Title != c.title || h.Version != c.version || (c.anchor != "" && h.Anchor != c.anchor) {
					var got []string
					for _, h := range r.Hits[:min(5, len(r.Hits))] {
						got = append(got, h.Title+"("+h.Version+")#"+h.Anchor)
					}
					t.Errorf("%s: first %v, want %s(%s)#%s", c.q, got, c.title, c.version, c.anchor)
				}
			}
		})

		t.Run("filters combine with the query", func(t *testing.T) {
			r, err := s.Search(ctx, "发票", laws.Filter{Kind: laws.KindJudicial}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Hits) == 0 {
				t.Fatal("发票 in 司法解释: nothing")
			}
			for _, h := range r.Hits {
				if h.Kind != laws.KindJudicial {
					t.Errorf("%s is %s", h.Title, h.Kind)
				}
			}
			r, err = s.Search(ctx, "纳税", laws.Filter{Tax: "个人所得税", Status: laws.StatusCurrent}, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range r.Hits {
				if !strings.Contains(h.Title, "个人所得税") || h.Status != laws.StatusCurrent {
					t.Errorf("个人所得税 filter: %s %s", h.Title, h.Status)
				}
			}
		})

		t.Run("reimport is idempotent", func(t *testing.T) {
			start := time.Now()
			st2, err := s.Import(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			if st2.Unchanged != 3475 || st2.Added+st2.Updated != 0 {
				t.Errorf("second import: %+v", st2)
			}
			t.Logf("second import in %v", time.Since(start).Round(time.Millisecond))
		})

		t.Run("latency", func(t *testing.T) {
			queries := []string{"增值税 起征点", "滞纳金", "发票管理办法 第二十二条", "个人所得税 专项附加扣除", "纳税人", "税", "合同", "环境保护",
				"“法律责任”", "行政处罚 听证", "企业所得税 优惠", "劳动合同 解除", "土地 征收 补偿", "网络 安全", "消费者 权益", "2019年", "社会保险", "火星探测"}
			var times []time.Duration
			per := map[string][]time.Duration{}
			for range 3 {
				for _, q := range queries {
					start := time.Now()
					if _, err := s.Search(ctx, q, laws.Filter{}, 0); err != nil {
						t.Fatal(err)
					}
					times = append(times, time.Since(start))
					per[q] = append(per[q], time.Since(start).Round(100*time.Microsecond))
				}
			}
			for _, q := range queries { // with -v: which queries are slow
				t.Logf("%s: %v", q, per[q])
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			p50, p95 := times[len(times)/2], times[len(times)*95/100]
			t.Logf("search latency over %d queries: p50 %v p95 %v max %v", len(times), p50.Round(time.Millisecond), p95.Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
		})
	})
}
