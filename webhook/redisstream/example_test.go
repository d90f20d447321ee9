package redisstream_test

import (
	"context"
	"errors"
	"log"
	"os"

	"github.com/redis/go-redis/v9"

	"github.com/ldpolicy/ldpolicy/event"
	"github.com/ldpolicy/ldpolicy/policy"
	"github.com/ldpolicy/ldpolicy/webhook"
	"github.com/ldpolicy/ldpolicy/webhook/redisdedup"
	"github.com/ldpolicy/ldpolicy/webhook/redisstream"
)

// A receiver that runs as several instances behind one URL: each instance
// dedups in Redis and acknowledges an event only once it is in the stream.
func Example_receiver() {
	opts, err := redis.ParseURL(os.Getenv("REDIS_URL")) // redis://host:6379/0
	if err != nil {
		log.Fatal(err)
	}
	client := redis.NewClient(opts)
	set, err := policy.Compile(policy.ProductionFlags(), policy.Options{})
	if err != nil {
		log.Fatal(err)
	}
	sink := redisstream.New(client, redisstream.Options{Stream: "ldpolicy:events"})
	h, err := webhook.NewHandler(sink.Process, webhook.Options{
		Secrets: []string{os.Getenv("LD_WEBHOOK_SECRET")},
		Policy:  set,
		Deduper: redisdedup.New(client, redisdedup.Options{}),
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(webhook.NewServer(":8080", h).ListenAndServe())
}

// A consumer of the stream in a consumer group: it reads entries, works on
// each, and acknowledges it; an entry whose consumer died is pending, and
// another consumer claims it (XAUTOCLAIM) after a while.
func Example_consumer() {
	ctx := context.Background()
	client := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	const stream, group = "ldpolicy:events", "audit"
	err := client.XGroupCreateMkStream(ctx, stream, group, "0").Err()
	if err != nil && !redis.HasErrorPrefix(err, "BUSYGROUP") { // BUSYGROUP: it exists
		log.Fatal(err)
	}
	for {
		streams, err := client.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: "consumer-1", Streams: []string{stream, ">"}, Count: 100, Block: 0,
		}).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			log.Fatal(err)
		}
		for _, s := range streams {
			for _, m := range s.Messages {
				ev, err := event.Decode([]byte(m.Values["event"].(string)))
				if err != nil {
					log.Printf("entry %s: %v", m.ID, err)
					continue // left pending, for a person to look at
				}
				log.Printf("%s: %s", ev.ID, ev.Title)
				client.XAck(ctx, stream, group, m.ID)
			}
		}
	}
}
