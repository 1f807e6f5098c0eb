package workflow

import (
	"context"
	"database/sql"
	"fmt"

	"taxhall/internal/auth"
)

// The board's counts (table task_counts, migration 0019): how many tasks
// are open and claimed per bureau, item, node and last day. Every change
// of a task's state changes them in its transaction, so they always
// equal what the live tasks would give (TestCountsMatchTheTasks).

// countKey is the row of task_counts a task counts in.
type countKey struct {
	bureau, city int64
	item, node   string
	due          string
}

func keyOf(k *Task) countKey {
	return countKey{bureau: k.BureauID, city: k.CityID, item: k.ItemCode, node: k.NodeCode, due: k.DueDate.String()}
}

// count adds dOpen and dClaimed to the key's counts.
func count(ctx context.Context, tx *sql.Tx, k countKey, dOpen, dClaimed int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO task_counts (bureau_id, city_id, item_code, node_code, due_date, open_n, claimed_n)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (bureau_id, item_code, node_code, due_date) DO UPDATE
		SET open_n = task_counts.open_n + excluded.open_n, claimed_n = task_counts.claimed_n + excluded.claimed_n`,
		k.bureau, k.city, k.item, k.node, k.due, dOpen, dClaimed)
	return err
}

// countScope is the condition limiting task_counts rows to the actor's
// bureau: a district's own, a city's, or (a province) the bureaus of its
// subtree; its argument is $n.
func countScope(a *auth.Actor, n int) (string, any) {
	switch level(a.OrgPath) {
	case 3:
		return fmt.Sprintf("c.bureau_id = $%d", n), a.OrgID
	case 2:
		return fmt.Sprintf("c.city_id = $%d", n), a.OrgID
	}
	cond, arg := a.SubtreeSQL("o.path", n)
	return "c.bureau_id IN (SELECT o.id FROM orgs o WHERE " + cond + ")", arg
}
