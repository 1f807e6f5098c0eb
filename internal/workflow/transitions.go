package workflow

import (
	"slices"

	"taxhall/internal/apperr"
)

// Application statuses.
const (
	StatusSubmitted  = "submitted"  // waiting for acceptance (受理): may be withdrawn
	StatusProcessing = "processing" // accepted, at a later node
	StatusReturned   = "returned"   // returned for correction (补正): the taxpayer corrects and resubmits
	StatusApproved   = "approved"   // finished: approved (办结)
	StatusRejected   = "rejected"   // finished: not accepted or not approved
	StatusWithdrawn  = "withdrawn"  // withdrawn by the taxpayer
)

// StatusNames are the statuses in Chinese.
var StatusNames = map[string]string{
	StatusSubmitted: "待受理", StatusProcessing: "办理中", StatusReturned: "待补正",
	StatusApproved: "已办结", StatusRejected: "不予办理", StatusWithdrawn: "已撤回",
}

// Decisions a handler takes on a task.
const (
	DecisionPass   = "pass"   // accept (受理) / pass review (审核通过) / approve (批准)
	DecisionReturn = "return" // return for correction (补正), with reasons
	DecisionReject = "reject" // not accept / not approve, with an opinion
)

// DecisionName is the Chinese name of a decision at a node.
func DecisionName(node, decision string) string {
	switch decision {
	case DecisionPass:
		return map[string]string{NodeAccept: "受理", NodeReview: "审核通过", NodeApprove: "批准"}[node]
	case DecisionReturn:
		return "退回补正"
	case DecisionReject:
		if node == NodeAccept {
			return "不予受理"
		}
		return "不予批准"
	}
	return ""
}

// decisionsAt are the decisions each node allows: approval (审批) decides,
// it does not ask for more papers.
var decisionsAt = map[string][]string{
	NodeAccept:  {DecisionPass, DecisionReturn, DecisionReject},
	NodeReview:  {DecisionPass, DecisionReturn, DecisionReject},
	NodeApprove: {DecisionPass, DecisionReject},
}

// Decisions lists the decisions allowed at a node.
func Decisions(node string) []string { return decisionsAt[node] }

// Step is the outcome of a decision: the application's next status and,
// when it goes on, the index of the next node (-1 when no task follows).
type Step struct {
	Status string
	Next   int
}

// errState is the answer for a decision or action the application's
// current state does not allow.
func errState(msg string) error { return apperr.New(apperr.Conflict, msg) }

// Transition is the workflow's table: what decision d at node index i of
// an item with n nodes does to an application in status from. Anything
// not in the table is refused.
func Transition(from string, nodes []Node, i int, d string) (Step, error) {
	if i < 0 || i >= len(nodes) {
		return Step{}, errState("办理环节不存在")
	}
	node := nodes[i].Code
	if !slices.Contains(decisionsAt[node], d) {
		return Step{}, apperr.InvalidField("decision", "“"+NodeName(node)+"”环节不能作此决定")
	}
	// The first node works on a submitted application, later ones on one
	// in processing.
	want := StatusProcessing
	if i == 0 {
		want = StatusSubmitted
	}
	if from != want {
		return Step{}, errState("申请当前状态为“" + StatusNames[from] + "”，不能在“" + NodeName(node) + "”环节办理")
	}
	switch d {
	case DecisionReturn:
		return Step{Status: StatusReturned, Next: -1}, nil
	case DecisionReject:
		return Step{Status: StatusRejected, Next: -1}, nil
	}
	if i == len(nodes)-1 {
		return Step{Status: StatusApproved, Next: -1}, nil
	}
	return Step{Status: StatusProcessing, Next: i + 1}, nil
}

// Taxpayer actions and the statuses that allow them.
var (
	withdrawFrom = []string{StatusSubmitted, StatusReturned}
	resubmitFrom = []string{StatusReturned}
)

// CanWithdraw reports whether an application in status may be withdrawn:
// before acceptance, or while it waits for correction.
func CanWithdraw(status string) bool { return slices.Contains(withdrawFrom, status) }

// CanResubmit reports whether an application may be corrected and
// submitted again.
func CanResubmit(status string) bool { return slices.Contains(resubmitFrom, status) }

// Finished reports whether status is final.
func Finished(status string) bool {
	return status == StatusApproved || status == StatusRejected || status == StatusWithdrawn
}
