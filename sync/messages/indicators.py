"""TODO"""

from sync.messages import Message

MESSAGES: tuple[Message, ...] = ()
