package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

// drain stops the server without dropping a request: /readyz answers 503
// for the drain delay while every request is still served (each answer
// closing its connection, so clients reconnect, and a load balancer sends
// them to another replica), then the listener closes and requests in flight get
// up to the drain timeout. A request still running then (a slow client's
// download) has its connection closed; that is logged, and the exit is
// clean.
//
// A second SIGTERM or SIGINT ends the delay early.
func drain(srv *http.Server, draining *atomic.Bool, cfg *serveConfig, log *slog.Logger) error {
	again := make(chan os.Signal, 1)
	signal.Notify(again, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(again)
	draining.Store(true)
	log.Info("draining: /readyz answers 503", "delay", cfg.drainDelay.String(), "timeout", cfg.drainTimeout.String())
	delay := time.NewTimer(cfg.drainDelay)
	select {
	case <-delay.C:
	case <-again:
		delay.Stop()
		log.Info("second signal: ending the drain delay")
	}
	log.Info("shutting down; letting in-flight requests finish")
	ctx, cancel := context.WithTimeout(context.Background(), cfg.drainTimeout)
	defer cancel()
	err := srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		log.Warn("drain timeout: closing the connections of requests still running", "timeout", cfg.drainTimeout.String())
		return srv.Close()
	}
	return err
}
