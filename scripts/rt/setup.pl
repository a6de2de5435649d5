#!/usr/bin/perl
# Prepares a throwaway RT for Casedesk's tests: an auth token for root, and the ticket custom fields
# "Case Reason", "Sub Reason" and "Casedesk Token" applied to the General queue. Prints the token.
use strict;
use warnings;
use lib '/usr/share/request-tracker5/lib';
use RT;
RT::LoadConfig();
RT::Init();

my $root = RT::User->new(RT->SystemUser);
$root->Load('root') or die "no root user";
my $token = RT::AuthToken->new(RT::CurrentUser->new($root));
my ($id, $msg, $secret) = $token->Create(Owner => $root->Id, Description => 'casedesk tests');
die "token: $msg" unless $id;

my $queue = RT::Queue->new(RT->SystemUser);
$queue->Load('General') or die "no General queue";
for my $name ('Case Reason', 'Sub Reason', 'Casedesk Token') {
    my $cf = RT::CustomField->new(RT->SystemUser);
    my ($ok, $err) = $cf->Create(Name => $name, Type => 'Freeform', MaxValues => 1,
        LookupType => 'RT::Queue-RT::Ticket');
    die "cf $name: $err" unless $ok;
    ($ok, $err) = $cf->AddToObject($queue);
    die "apply $name: $err" unless $ok;
}
print "$secret\n";
