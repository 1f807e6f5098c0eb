package api

import (
	"reflect"
	"strings"
	"time"
)

// schemaGen derives JSON Schemas from the Go types the handlers encode and
// decode, so the document describes exactly what goes over the wire. Named
// struct types become components; the struct tags say the rest:
// json (name, omitempty), doc (description), enum (a set of enumSets) and
// format.
type schemaGen struct {
	components obj
	names      map[reflect.Type]string
	enums      map[string][]string
}

func newSchemaGen() *schemaGen {
	return &schemaGen{components: obj{}, names: map[reflect.Type]string{}, enums: enumSets()}
}

func typeOf(v any) reflect.Type { return reflect.TypeOf(v) }

var (
	timeType  = reflect.TypeFor[time.Time]()
	bytesType = reflect.TypeFor[[]byte]()
)

// schema returns the schema of t, a $ref for named structs.
func (g *schemaGen) schema(t reflect.Type) obj {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return obj{"type": "string", "format": "date-time"}
	case t == bytesType:
		return obj{"type": "string", "format": "byte"} // encoding/json writes []byte as Base64
	case t.Kind() == reflect.Struct:
		if t.Name() == "" || strings.Contains(t.Name(), "[") {
			return g.object(t) // anonymous or generic: inline
		}
		return g.ref(t)
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		return obj{"type": "array", "items": g.schema(t.Elem())}
	case t.Kind() == reflect.Map:
		return obj{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case t.Kind() == reflect.String:
		return obj{"type": "string"}
	case t.Kind() == reflect.Bool:
		return obj{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		if t.Kind() == reflect.Int64 || t.Kind() == reflect.Uint64 {
			return obj{"type": "integer", "format": "int64"}
		}
		return obj{"type": "integer"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return obj{"type": "number"}
	}
	return obj{}
}

// ref registers t as a component (once) and returns a reference to it.
func (g *schemaGen) ref(t reflect.Type) obj {
	name, ok := g.names[t]
	if !ok {
		name = componentName(t)
		for taken := true; taken; {
			taken = false
			for other, n := range g.names {
				if n == name && other != t {
					name = pkgName(t) + name
					taken = true
				}
			}
		}
		g.names[t] = name
		g.components[name] = obj{} // placeholder against recursion
		g.components[name] = g.object(t)
	}
	return obj{"$ref": "#/components/schemas/" + name}
}

// componentName is the Go name with an upper-case first letter and without
// the View suffix: the component of taxpayerView is Taxpayer.
func componentName(t reflect.Type) string {
	n := strings.TrimSuffix(t.Name(), "View")
	return strings.ToUpper(n[:1]) + n[1:]
}

func pkgName(t reflect.Type) string {
	p := t.PkgPath()
	p = p[strings.LastIndex(p, "/")+1:]
	return strings.ToUpper(p[:1]) + p[1:]
}

// object is the schema of a struct's JSON fields, embedded structs flattened
// as encoding/json does.
func (g *schemaGen) object(t reflect.Type) obj {
	props := obj{}
	var required []string
	g.fields(t, props, &required)
	s := obj{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func (g *schemaGen) fields(t reflect.Type, props obj, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			g.fields(ft, props, required)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := g.schema(f.Type)
		if doc := f.Tag.Get("doc"); doc != "" {
			if s["$ref"] != nil {
				s = obj{"allOf": []obj{s}, "description": doc}
			} else {
				s["description"] = doc
			}
		}
		if set := f.Tag.Get("enum"); set != "" {
			if s["type"] == "array" {
				s["items"] = obj{"type": "string", "enum": g.enums[set]}
			} else {
				s["enum"] = g.enums[set]
			}
		}
		if format := f.Tag.Get("format"); format != "" {
			s["format"] = format
		}
		props[name] = s
		if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
			*required = append(*required, name)
		}
	}
}
