package fhir

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// CodeSystem/$history answers what changed between loaded HCPCS releases:
// for one code (code), or for a pair of releases (from, to). FHIR R4
// defines no operation for this; the spec's codesystem-history extension
// records changes to a CodeSystem resource's definition, not to its
// concepts. So the operation is this server's own, defined at
// OperationDefinition/history, and its answer is a Parameters.
const historyDocumentation = "What changed in HCPCS between the loaded releases, computed from the CMS files. " +
	"With `code`: that code in every loaded release (status, and the changes each release brings). " +
	"Without: every change from release `from` to release `to` (by default the latest and the release before it). " +
	"`kind` keeps only the changes of those kinds: " + "added, removed, terminated, reinstated, long-description, short-description, property. " +
	"`unloaded` names the CMS quarterly releases between two loaded releases that this server does not have: a change happened in one of them or in the later release."

// historyParams are the inputs of $history, each read and checked.
type historyParams struct {
	code     string
	from, to string
	kinds    []terminology.ChangeKind
}

func readHistoryParams(p *opParams, cs *codeSystemResource) (historyParams, error) {
	var hp historyParams
	system, hasSystem, err := p.nonEmptyText("system", uriTypes)
	if err != nil {
		return hp, err
	}
	if hasSystem && !terminology.IsHCPCSSystem(system) {
		return hp, notFound("not-found", fmt.Sprintf("There is no release history of %s here: $history covers %s, whose releases this server loads.", system, terminology.SystemURL))
	}
	if hp.code, _, err = p.nonEmptyText("code", codeTypes); err != nil {
		return hp, err
	}
	if hp.from, _, err = p.nonEmptyText("from", versionTypes); err != nil {
		return hp, err
	}
	if hp.to, _, err = p.nonEmptyText("to", versionTypes); err != nil {
		return hp, err
	}
	if cs != nil {
		if cs.release == nil {
			return hp, notFound("not-found", fmt.Sprintf("CodeSystem/%s has no release history: $history covers the HCPCS releases.", cs.id))
		}
		if hp.to != "" && hp.to != cs.version {
			return hp, badRequest("to", fmt.Sprintf("`to` %s contradicts CodeSystem/%s, which is release %s.", hp.to, cs.id, cs.version))
		}
		hp.to = cs.version
	}
	for _, nv := range [][2]string{{"from", hp.from}, {"to", hp.to}} {
		name, v := nv[0], nv[1]
		if v == "" {
			continue
		}
		if _, err := terminology.ParseVersion(v); err != nil {
			return hp, badRequest(name, fmt.Sprintf("Parameter `%s`: a release is named YYYY-MM, e.g. 2025-10; %q is not.", name, v))
		}
	}
	if hp.from != "" && hp.to != "" && hp.from >= hp.to {
		return hp, badRequest("from", fmt.Sprintf("`from` (%s) must be an older release than `to` (%s).", hp.from, hp.to))
	}
	if hp.code != "" && hp.from != "" {
		return hp, badRequest("from", "Give `code` for one code's history, or `from` and `to` for the changes between two releases; `from` does not apply to a code's history, which covers every loaded release up to `to`.")
	}
	for _, v := range p.texts("kind") {
		for _, k := range strings.Split(v, ",") {
			kind, err := terminology.ParseChangeKind(strings.TrimSpace(k))
			if err != nil {
				return hp, badRequest("kind", "Parameter `kind`: "+strings.TrimPrefix(err.Error(), terminology.ErrInvalid.Error()+": "))
			}
			if !slices.Contains(hp.kinds, kind) {
				hp.kinds = append(hp.kinds, kind)
			}
		}
	}
	return hp, nil
}

// history implements CodeSystem/$history at type level (cs nil) and on a
// release's CodeSystem, which sets `to`.
func (s *Server) history(c *gin.Context, cs *codeSystemResource) error {
	p, err := readRequestParams(c, s.maxRequestBytes())
	if err != nil {
		return err
	}
	hp, err := readHistoryParams(p, cs)
	if err != nil {
		return err
	}
	snap := s.cfg.Data.Snapshot()
	h := snap.History()
	out := newParametersOut()
	out.uri("system", terminology.SystemURL)
	if hp.code != "" {
		if err := codeHistoryOut(out, snap, h, hp); err != nil {
			return err
		}
	} else if err := releaseDiffOut(out, snap, h, hp); err != nil {
		return err
	}
	s.write(c, http.StatusOK, out.p)
	return nil
}

func codeHistoryOut(out *parametersOut, snap *terminology.Snapshot, h *terminology.History, hp historyParams) error {
	if hp.to != "" {
		if _, err := snap.Version(hp.to); err != nil {
			return err
		}
	}
	ch, ok := h.Code(hp.code)
	if !ok {
		return notFound("not-found", fmt.Sprintf("Unknown code '%s' in the CodeSystem '%s': no loaded release (%s) lists it.",
			hp.code, terminology.SystemURL, strings.Join(snap.Versions(), ", ")))
	}
	out.code("code", ch.Code)
	for _, r := range ch.Releases {
		parts := []parameter{{Name: "version", ValueString: ptr(r.Version)}, {Name: "status", ValueCode: ptr(string(r.Status))}}
		if r.Concept != nil {
			parts = append(parts, parameter{Name: "display", ValueString: ptr(r.Concept.LongDescription)})
		}
		for _, u := range r.Unloaded {
			parts = append(parts, parameter{Name: "unloaded", ValueString: ptr(u)})
		}
		for _, ch := range r.Changes {
			if len(hp.kinds) == 0 || slices.Contains(hp.kinds, ch.Kind) {
				parts = append(parts, parameter{Name: "change", Part: changeParts(ch, false)})
			}
		}
		out.add(parameter{Name: "release", Part: parts})
		if r.Version == hp.to {
			break
		}
	}
	return nil
}

func releaseDiffOut(out *parametersOut, snap *terminology.Snapshot, h *terminology.History, hp historyParams) error {
	to := hp.to
	if to == "" {
		to = snap.Latest().Version
	}
	from := hp.from
	if from == "" {
		prev, err := h.Previous(to)
		if err != nil {
			return err
		}
		if prev == "" {
			return badRequest("to", fmt.Sprintf("Release %s is the oldest loaded, so nothing precedes it to compare with; loaded: %s.", to, strings.Join(snap.Versions(), ", ")))
		}
		from = prev
	}
	d, err := h.Diff(from, to)
	if err != nil {
		return err
	}
	out.str("from", d.From)
	out.str("to", d.To)
	for _, u := range d.Unloaded {
		out.str("unloaded", u)
	}
	changes := d.Filter(hp.kinds...)
	out.add(parameter{Name: "total", ValueInteger: ptr(len(changes))})
	for _, ch := range changes {
		out.add(parameter{Name: "change", Part: changeParts(ch, true)})
	}
	return nil
}

// changeParts renders one change; withCode for a release diff, where the
// changes are of many codes.
func changeParts(ch terminology.Change, withCode bool) []parameter {
	parts := make([]parameter, 0, 8)
	if withCode {
		parts = append(parts, parameter{Name: "code", ValueCode: ptr(ch.Code)})
	}
	parts = append(parts, parameter{Name: "kind", ValueCode: ptr(string(ch.Kind))})
	if ch.Property != "" {
		parts = append(parts, parameter{Name: "property", ValueCode: ptr(ch.Property)})
	}
	if ch.Old != "" {
		parts = append(parts, parameter{Name: "old", ValueString: ptr(ch.Old)})
	}
	if ch.New != "" {
		parts = append(parts, parameter{Name: "new", ValueString: ptr(ch.New)})
	}
	if ch.WhitespaceOnly {
		parts = append(parts, parameter{Name: "whitespace-only", ValueBoolean: ptr(true)})
	}
	if ch.ActionCode != "" {
		parts = append(parts, parameter{Name: "action-code", ValueCoding: actionCoding(ch.ActionCode)})
	}
	if !ch.ActionEffective.IsZero() {
		parts = append(parts, parameter{Name: "action-effective-date", ValueDateTime: ptr(ch.ActionEffective.Format(time.DateOnly))})
	}
	return parts
}

// actionCoding is a CMS action code as the action-code property serves it:
// a Coding of the action-code table, with its meaning.
func actionCoding(code string) *fm.Coding {
	def, _ := terminology.PropertyByCode("action-code")
	pv := terminology.PropertyValue{Def: def, Code: code}
	if t, ok := terminology.CodeTableByID(def.TableID); ok {
		pv.Display, _ = t.Meaning(code)
	}
	return propertyValueCoding(pv)
}

// lookupHistory adds the code's changes, up to the release looked up, as
// `history` properties: each one's value is the change kind, and its
// subproperties say in which release, what changed, and CMS's action.
func lookupHistory(out *parametersOut, h *terminology.History, code, through string) {
	ch, ok := h.Code(code)
	if !ok {
		return
	}
	for _, r := range ch.Releases {
		for _, c := range r.Changes {
			sub := []parameter{{Name: "subproperty", Part: []parameter{{Name: "code", ValueCode: ptr("version")}, {Name: "value", ValueString: ptr(r.Version)}}}}
			// Every part of the change but its kind (the first), which is
			// the property's value.
			for _, p := range changeParts(c, false)[1:] {
				sub = append(sub, parameter{Name: "subproperty", Part: []parameter{{Name: "code", ValueCode: ptr(p.Name)}, withName(p, "value")}})
			}
			if len(r.Unloaded) > 0 {
				sub = append(sub, parameter{Name: "subproperty", Part: []parameter{{Name: "code", ValueCode: ptr("unloaded")},
					{Name: "value", ValueString: ptr(strings.Join(r.Unloaded, ", "))}}})
			}
			out.add(parameter{Name: "property", Part: append([]parameter{
				{Name: "code", ValueCode: ptr("history")},
				{Name: "value", ValueCode: ptr(string(c.Kind))},
			}, sub...)})
		}
		if r.Version == through {
			return
		}
	}
}

func withName(p parameter, name string) parameter {
	p.Name = name
	return p
}
