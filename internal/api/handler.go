package api

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
)

// handler is a route's typed function with its types recorded: serve
// decodes the request type, calls the function and encodes the response
// type; openapi.go documents the same two types.
type handler struct {
	req   reflect.Type // JSON body (POST, PATCH) or query parameters (GET, DELETE); nil when none
	resp  reflect.Type // JSON response; nil when the route answers 204
	serve func(w http.ResponseWriter, r *http.Request, rt *route) error
	// upload lists the media types of a file body (an import): req is then
	// the query parameters, and the handler reads the body itself.
	upload []string
	// download is the media type of a route that answers a file (a PDF)
	// instead of JSON; resp is then []byte.
	download string
}

// noBody is the request type of a route that reads neither a body nor
// query parameters.
type noBody struct{}

// noContent is the response type of a route that answers 204.
type noContent struct{}

// handle wraps fn as a route's handler. fn gets the decoded and checked
// request and returns the response, which is written with the route's
// success status; errors are written by the adapter.
func handle[Req, Resp any](fn func(ctx context.Context, r *http.Request, req Req) (Resp, error)) handler {
	h := handler{req: reflect.TypeFor[Req](), resp: reflect.TypeFor[Resp]()}
	if h.req == reflect.TypeFor[noBody]() {
		h.req = nil
	}
	if h.resp == reflect.TypeFor[noContent]() {
		h.resp = nil
	}
	h.serve = func(w http.ResponseWriter, r *http.Request, rt *route) error {
		var req Req
		if h.req != nil {
			var err error
			if rt.hasBody() {
				err = decode(w, r, &req)
			} else {
				err = decodeQuery(r, &req)
			}
			if err != nil {
				return err
			}
		}
		resp, err := fn(r.Context(), r, req)
		if err != nil {
			return err
		}
		if h.resp == nil {
			w.WriteHeader(rt.status())
			return nil
		}
		status := rt.status()
		if r, ok := any(resp).(replayer); ok && rt.Idempotent && r.replayed() {
			status = http.StatusOK
		}
		writeJSON(w, status, resp)
		return nil
	}
	return h
}

// replayer is the response of an Idempotent route: replayed reports a
// repeat of an earlier request's Idempotency-Key, answered 200.
type replayer interface{ replayed() bool }

// raw wraps a handler that writes its own response, a JSON object (only
// the OpenAPI document itself, which is served pre-encoded).
func raw(fn func(w http.ResponseWriter, r *http.Request) error) handler {
	return handler{resp: reflect.TypeFor[map[string]any](), serve: func(w http.ResponseWriter, r *http.Request, _ *route) error {
		return fn(w, r)
	}}
}

// upload wraps a handler whose body is a file of one of the media types
// (multipart/form-data with a "file" part, or the file itself): the query
// parameters are decoded into Q as for a GET, the handler reads the body
// and returns the JSON response.
func upload[Q, Resp any](types []string, fn func(ctx context.Context, r *http.Request, q Q) (Resp, error)) handler {
	h := handler{req: reflect.TypeFor[Q](), resp: reflect.TypeFor[Resp](), upload: types}
	h.serve = func(w http.ResponseWriter, r *http.Request, rt *route) error {
		var q Q
		if err := decodeQuery(r, &q); err != nil {
			return err
		}
		resp, err := fn(r.Context(), r, q)
		if err != nil {
			return err
		}
		writeJSON(w, rt.status(), resp)
		return nil
	}
	return h
}

// hasBody reports whether the route reads its request type from a JSON
// body; GET and DELETE routes, and uploads, read it from the query string.
func (rt *route) hasBody() bool {
	return rt.Handler.req != nil && rt.Handler.upload == nil && rt.Method != http.MethodGet && rt.Method != http.MethodDelete
}

// query is the route's query parameter type, nil when it has none.
func (rt *route) query() reflect.Type {
	if rt.Handler.req == nil || rt.hasBody() {
		return nil
	}
	return rt.Handler.req
}

// file is a download: the bytes, their media type and the file name (the
// ASCII fallback for old clients, and the full UTF-8 name).
type file struct {
	Body        []byte
	Name, ASCII string
}

// download wraps a handler that answers a file of mediaType (a PDF) as an
// attachment; errors are JSON as on every route.
func download[Req any](mediaType string, fn func(ctx context.Context, r *http.Request, req Req) (file, error)) handler {
	h := handler{req: reflect.TypeFor[Req](), resp: reflect.TypeFor[[]byte](), download: mediaType}
	if h.req == reflect.TypeFor[noBody]() {
		h.req = nil
	}
	h.serve = func(w http.ResponseWriter, r *http.Request, rt *route) error {
		var req Req
		if h.req != nil {
			if err := decodeQuery(r, &req); err != nil {
				return err
			}
		}
		f, err := fn(r.Context(), r, req)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", mediaType)
		w.Header().Set("Content-Disposition", "attachment; filename=\""+f.ASCII+"\"; filename*=UTF-8''"+url.PathEscape(f.Name))
		w.Header().Set("Cache-Control", "private, no-store")
		w.WriteHeader(rt.status())
		_, err = w.Write(f.Body) // #nosec G705 -- a file the server rendered, sent as an attachment of its own media type, not HTML
		return err
	}
	return h
}
