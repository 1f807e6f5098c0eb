package workflow_test

import (
	"context"
	"fmt"
	"testing"

	"taxhall/internal/db"
)

// checkCounts fails t when the board's maintained counts (task_counts)
// differ from what the live tasks give. newHall runs it when each test
// ends, so every workflow test (claims racing on both databases,
// withdrawals, assignments, decisions) checks the counts it left.
func checkCounts(t testing.TB, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	read := func(q string) map[string]string {
		rows, err := db.Query(ctx, d, func(sc db.Scanner) ([2]string, error) {
			var bureau, city int64
			var item, node, due string
			var open, claimed int
			err := sc.Scan(&bureau, &city, &item, &node, &due, &open, &claimed)
			return [2]string{fmt.Sprint(bureau, city, item, node, due), fmt.Sprint(open, claimed)}, err
		}, q)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, r := range rows {
			if r[1] != "0 0" {
				out[r[0]] = r[1]
			}
		}
		return out
	}
	want := read(`SELECT bureau_id, MIN(city_id), item_code, node_code, due_date,
		SUM(CASE WHEN state = 'open' THEN 1 ELSE 0 END), SUM(CASE WHEN state = 'claimed' THEN 1 ELSE 0 END)
		FROM tasks WHERE state IN ('open', 'claimed') GROUP BY bureau_id, item_code, node_code, due_date`)
	got := read(`SELECT bureau_id, city_id, item_code, node_code, due_date, open_n, claimed_n FROM task_counts`)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("task_counts %v, the tasks give %v", got, want)
	}
}
